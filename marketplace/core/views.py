import asyncio
import json
import logging

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from health_check.views import HealthCheckView

from marketplace.core import health, metrics


def healthz(request):
    """Liveness: answer 200 when the process and its database connection answer (compose, bench)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


class ReadinessView(HealthCheckView):
    """Readiness: 200 when every dependency answers, else 503 naming those that did not.

    django-health-check runs the checks concurrently, each with its timeout,
    outside any transaction and with ``Cache-Control: no-cache``; this view only
    names them and answers JSON, with 503 (not the package's 500) on a failure.
    """

    http_method_names = ["get", "head"]

    async def get(self, request, *args, **kwargs):
        checks = health.readiness_checks()
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in checks.values()))
        outcome = {
            name: str(result.error) if result.error else "ok"
            for name, result in zip(checks, results, strict=True)
        }
        failed = sorted(name for name, result in zip(checks, results, strict=True) if result.error)
        body = {"status": "unavailable" if failed else "ok", "failed": failed, "checks": outcome}
        return JsonResponse(body, status=503 if failed else 200)


@never_cache
@require_GET
def metrics_view(request):
    """Prometheus metrics, for the bearer token ``METRICS_TOKEN`` (or loopback with DEBUG); else 404."""
    if not metrics.scrape_allowed(
        authorization=request.headers.get("Authorization", ""),
        remote_addr=request.META.get("REMOTE_ADDR", ""),
    ):
        raise Http404("No such page.")
    return HttpResponse(metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context and no database: whatever broke the page may break them too.
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"MARKETPLACE_NAME": settings.MARKETPLACE_NAME}), status=500)


CSP_REPORT_MAX_BYTES = 16 * 1024
csp_logger = logging.getLogger("marketplace.csp")


@csrf_exempt
@require_POST
def csp_report(request):
    """Log a browser's Content-Security-Policy violation report; answer 204, or 400 for junk.

    Browsers send ``application/csp-report`` (``{"csp-report": {...}}``) or the
    Reporting API's list of ``{"type": "csp-violation", "body": {...}}``. Only a
    few fields are logged, each cut short, so a report cannot flood the logs.
    """
    body = request.read(CSP_REPORT_MAX_BYTES + 1)
    if len(body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse("Report too large.", status=413, content_type="text/plain")
    try:
        payload = json.loads(body)
    except ValueError:
        return HttpResponse("Not a JSON report.", status=400, content_type="text/plain")
    reports = payload if isinstance(payload, list) else [payload]
    logged = 0
    for report in reports[:10]:
        if not isinstance(report, dict):
            continue
        fields = report.get("csp-report") or report.get("body")
        if not isinstance(fields, dict):
            continue
        csp_logger.warning(
            "CSP violation: %s blocked %s on %s",
            str(fields.get("violated-directive") or fields.get("effectiveDirective") or "?")[:100],
            str(fields.get("blocked-uri") or fields.get("blockedURL") or "?")[:300],
            str(fields.get("document-uri") or fields.get("documentURL") or "?")[:300],
        )
        logged += 1
    if not logged:
        return HttpResponse("No CSP report in the body.", status=400, content_type="text/plain")
    return HttpResponse(status=204)
