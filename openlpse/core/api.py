"""The JSON API root (django-ninja). Apps add routers here."""

from ninja import NinjaAPI

api = NinjaAPI(title="OpenLPSE API", version="1", urls_namespace="api")
