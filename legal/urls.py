from django.urls import path

from legal.views import legal_page

app_name = "legal"

urlpatterns = [
    path("conditions-generales/", legal_page, {"page": "terms"}, name="terms"),
    path("confidentialite/", legal_page, {"page": "privacy"}, name="privacy"),
    path("mentions-legales/", legal_page, {"page": "notice"}, name="notice"),
    path("accessibilite/", legal_page, {"page": "accessibility"}, name="accessibility"),
]
