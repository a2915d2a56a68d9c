"""Privacy (GDPR): what each app holds about a person, its export, its erasure and retention.

``registry`` holds the sections the apps register; ``export`` builds the ZIP,
``erase`` erases an account, ``retention`` purges old carts and guest data,
``requests`` is what the views and the admin call.
"""
