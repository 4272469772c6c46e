"""Sign-in, two-factor, passwords, profile and access log (namespace "accounts")."""

from django.urls import path

from openlpse.accounts.views import access_log, auth, mfa, passwords, profile

urlpatterns = [
    path("masuk/", auth.login_view, name="login"),
    path("masuk/kode/", auth.mfa_verify_view, name="mfa_verify"),
    path("keluar/", auth.logout_view, name="logout"),
    path("keamanan/dua-faktor/", mfa.mfa_setup_view, name="mfa_setup"),
    path("keamanan/dua-faktor/ganti/", mfa.mfa_replace_view, name="mfa_replace"),
    path("keamanan/dua-faktor/batal/", mfa.mfa_cancel_view, name="mfa_cancel"),
    path("keamanan/dua-faktor/matikan/", mfa.mfa_disable_view, name="mfa_disable"),
    path("keamanan/kode-pemulihan/", mfa.mfa_recovery_codes_view, name="mfa_recovery_codes"),
    path("keamanan/kata-sandi/", passwords.password_change_view, name="password_change"),
    path("lupa-kata-sandi/", passwords.password_reset_view, name="password_reset"),
    path(
        "lupa-kata-sandi/terkirim/",
        passwords.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "atur-ulang/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "atur-ulang/selesai/",
        passwords.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profil/", profile.profile_view, name="profile"),
    path("log-akses/", access_log.access_log_view, name="access_log"),
]
