"""The app's URLs plus the ingest floor: a bare Django view that checks the detached JWS
exactly as the receiver does and INSERTs the body, nothing else (bench/ingest.py)."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from saleor_automation.saleor.models import Installation
from saleor_automation.saleor.signature import verify_with_jwks
from saleor_automation.urls import urlpatterns as app_urlpatterns

FLOOR_TABLE = "bench_ingest_floor"
_jwks: dict[str, dict] = {}


@csrf_exempt
def floor(request: HttpRequest) -> HttpResponse:
    api_url = request.headers.get("Saleor-Api-Url", "")
    if api_url not in _jwks:
        _jwks[api_url] = Installation.objects.values_list("jwks", flat=True).get(
            saleor_api_url=api_url
        )
    body = request.body
    if not verify_with_jwks(_jwks[api_url], request.headers.get("Saleor-Signature", ""), body):
        return HttpResponse(status=401)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FLOOR_TABLE} (body) VALUES (%s)", [body.decode()])
    return HttpResponse(status=200)


urlpatterns = [path("bench/floor", floor), *app_urlpatterns]
