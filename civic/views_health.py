"""``/healthz/``: the cheapest possible answer of the running application.

Load balancers and the benchmark (bench/run.py uses it as the "framework floor") call it. It goes
through the whole middleware stack but touches neither the database nor the session: a plain
``ok`` says that the process is up and Django answers, nothing more.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
