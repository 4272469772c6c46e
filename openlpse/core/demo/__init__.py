"""Demo data for OpenLPSE: two LPSEs on one deployment, their organisation, and one login for
every role. Loaded by `python manage.py demo` through the services, so the audit chain records
every step. Never load it into a production database."""
