"""A baseline for bench/run.py: the cheapest response Django can give.

Every benchmark figure is reported as a ratio to this view measured on the same
server in the same run, so the numbers say what our code costs on top of Django,
gunicorn and the machine rather than how fast the machine happens to be.
"""

from django.http import HttpResponse


def bare(request):
    """Return a tiny fixed response: no database, no template, no session."""
    return HttpResponse(b"ok", content_type="text/plain")
