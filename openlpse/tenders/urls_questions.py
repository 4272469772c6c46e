"""Pemberian penjelasan pages (names `qa_*`): the committee's under
`tender/kelola/<id>/penjelasan/`, the participant's under `penyedia/tender/<id>/penjelasan/`."""

from django.urls import URLPattern, URLResolver, path

from openlpse.tenders.views import questions

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "tender/kelola/<int:tender_id>/penjelasan/",
        questions.qa_committee,
        name="qa_committee",
    ),
    path(
        "tender/kelola/<int:tender_id>/penjelasan/<int:question_id>/jawab/",
        questions.qa_answer,
        name="qa_answer",
    ),
    path(
        "tender/kelola/<int:tender_id>/penjelasan/bapp/",
        questions.qa_minutes_generate,
        name="qa_minutes_generate",
    ),
    path(
        "tender/kelola/<int:tender_id>/penjelasan/bapp/<int:minutes_id>/",
        questions.qa_minutes_download,
        name="qa_minutes_download",
    ),
    path(
        "penyedia/tender/<int:tender_id>/penjelasan/",
        questions.qa_vendor,
        name="qa_vendor",
    ),
    path(
        "penyedia/tender/<int:tender_id>/penjelasan/bapp/<int:minutes_id>/",
        questions.qa_vendor_minutes_download,
        name="qa_vendor_minutes_download",
    ),
]
