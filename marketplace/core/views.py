from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader


def healthz(request):
    """Answer 200 when the database answers; used by compose and load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context and no database: whatever broke the page may break them too.
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"MARKETPLACE_NAME": settings.MARKETPLACE_NAME}), status=500)
