"""Carrier webhook intake."""

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from fulfillment.carriers import WebhookRejected
from fulfillment.shipments import carrier_webhook_receive

MAX_WEBHOOK_BYTES = 256 * 1024


@method_decorator(csrf_exempt, name="dispatch")
class CarrierWebhookView(View):
    """POST /fulfillment/carriers/<code>/webhook/: 200 once recorded, 400 with a reason otherwise."""

    def post(self, request, carrier):
        if len(request.body) > MAX_WEBHOOK_BYTES:
            return JsonResponse({"error": "The webhook body is too large."}, status=400)
        headers = dict(request.headers.items())
        try:
            count = carrier_webhook_receive(carrier=carrier, body=request.body, headers=headers)
        except WebhookRejected as error:
            return JsonResponse({"error": error.message}, status=400)
        return JsonResponse({"recorded": count})
