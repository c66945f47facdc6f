"""laces components the Stadtgedächtnis contributes to civic pages ("Mein Bereich")."""

from django.template.loader import get_template
from laces.components import Component

from stadtgedaechtnis.models import Memory, ModerationEvent, Status


class MyMemoriesPanel(Component):
    """The user's memories with their status, edit and withdraw links."""

    template_name = "stadtgedaechtnis/includes/my_memories_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        memories = list(Memory.objects.of_user(user).order_by("-created"))
        waiting_ids = [m.pk for m in memories if m.status == Status.CHANGES_REQUESTED]
        messages = {}
        if waiting_ids:
            for event in ModerationEvent.objects.filter(
                memory_id__in=waiting_ids, to_status=Status.CHANGES_REQUESTED
            ).order_by("at"):
                messages[event.memory_id] = event.message
        for memory in memories:
            memory.can_edit = user.has_perm("stadtgedaechtnis.edit_memory", memory)
            memory.can_withdraw = user.has_perm("stadtgedaechtnis.withdraw_memory", memory)
            memory.last_message = messages.get(memory.pk, "")
        return {"memories": memories, "request": self.request}

    def render_html(self, parent_context=None):
        template = get_template(self.template_name)
        return template.render(self.get_context_data(parent_context), request=self.request)
