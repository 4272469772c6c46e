"""The key service: holds the system key of every tender envelope (security-reference §1.4).

A separate process with its own key store and database (ADR 0010), deliberately NOT a Django
app: it imports nothing from the web application, so it can run as its own OS user with its own
database role. It computes the system half ECDH(S, epk) of a sealed bid only when its own clock
is at or past the envelope's opening time (LT 31(3), KA 4); every call is appended to its log.

    python -m openlpse.keyservice --data DIR --listen 127.0.0.1:8790

`core` holds the logic (also used in-process by the web app's tests through `local:DIR`),
`store` the master key file, the keys table and the call log, `server` the HTTP JSON server.
"""

VERSION = "1"
