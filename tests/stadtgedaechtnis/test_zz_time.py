import time
from django.core.management import call_command
import pytest
@pytest.mark.django_db
def test_t():
    call_command("seed_demo", verbosity=0)
    from stadtgedaechtnis.models import Memory
    Memory.objects.all().delete()
    t=time.monotonic(); call_command("seed_demo", verbosity=0); print("SECOND", time.monotonic()-t)
