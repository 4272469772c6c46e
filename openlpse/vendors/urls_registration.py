"""The vendor area, under /penyedia/ (namespace "vendors"): status, identity, documents,
the generated form and the submission."""

from django.urls import URLPattern, URLResolver, path

from openlpse.vendors.views import registration

urlpatterns: list[URLPattern | URLResolver] = [
    path("", registration.home, name="home"),
    path("pendaftaran/", registration.registration_edit, name="registration_edit"),
    path("dokumen/", registration.documents, name="documents"),
    path(
        "dokumen/<int:document_id>/unduh/",
        registration.document_download,
        name="document_download",
    ),
    path("formulir.pdf", registration.form_pdf, name="form_pdf"),
    path("kirim/", registration.registration_submit, name="registration_submit"),
    path("tarik/", registration.registration_withdraw, name="registration_withdraw"),
]
