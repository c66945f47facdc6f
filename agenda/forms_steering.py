"""Forms of the steering group's admin views: answer, merge, carry over, offline entry."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agenda.models import FieldOfAction, OfflineSource, Proposal, RoundPage
from agenda.steering import ANSWER_STATUSES, CLOSED_STATUSES, status_label

PUBLISH_NOW = "now"
PUBLISH_WITH_RESULTS = "with_results"


class AnswerForm(forms.Form):
    """Status and official answer of one proposal."""

    status = forms.ChoiceField(label=_("Status"))
    answer = forms.CharField(
        label=_("Offizielle Antwort"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Die Antwort der Steuerungsgruppe, öffentlich sichtbar beim Vorschlag und auf der "
            "Ergebnisseite. Die verfassende Person erhält eine E-Mail, sobald sie öffentlich ist."
        ),
    )
    publish = forms.ChoiceField(
        label=_("Veröffentlichung"),
        choices=[
            (PUBLISH_NOW, _("Sofort veröffentlichen")),
            (PUBLISH_WITH_RESULTS, _("Mit den Ergebnissen der Runde veröffentlichen")),
        ],
        initial=PUBLISH_WITH_RESULTS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, proposal: Proposal, results_public: bool, **kwargs):
        self.proposal = proposal
        self.results_public = results_public
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, status_label(s)) for s in ANSWER_STATUSES]
        if proposal.answer_published:
            self.fields["publish"].help_text = _(
                "Diese Antwort ist bereits veröffentlicht; Änderungen erscheinen sofort."
            )
        elif results_public:
            self.fields["publish"].help_text = _(
                "Die Ergebnisse dieser Runde sind bereits öffentlich: Die Antwort erscheint sofort."
            )

    @property
    def publishes(self) -> bool:
        return (
            self.proposal.answer_published
            or self.results_public
            or self.cleaned_data.get("publish") == PUBLISH_NOW
        )

    def clean(self):
        cleaned = super().clean()
        answer = (cleaned.get("answer") or "").strip()
        cleaned["answer"] = answer
        if not answer and "publish" in cleaned and self.publishes:
            self.add_error(
                "answer", _("Bitte schreiben Sie eine Antwort, bevor Sie sie veröffentlichen.")
            )
        return cleaned


class MergeForm(forms.Form):
    """Choose the proposal a duplicate is merged into."""

    target = forms.ModelChoiceField(
        label=_("Zusammenführen mit"),
        queryset=Proposal.objects.none(),
        help_text=_(
            "Der ausgewählte Vorschlag bleibt bestehen und erhält die Stimmen; dieser Vorschlag "
            "wird als „zusammengeführt“ markiert und verweist auf ihn."
        ),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, source: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        field = self.fields["target"]
        field.queryset = (
            Proposal.objects.filter(round_id=source.round_id)
            .exclude(pk=source.pk)
            .exclude(status__in=CLOSED_STATUSES)
            .select_related("round")
            .order_by("number")
        )
        field.label_from_instance = lambda p: f"{p.reference} – {p.title}"


class CarryOverForm(forms.Form):
    """The round the selected proposals are carried into."""

    target_round = forms.ModelChoiceField(
        label=_("In diese Runde übernehmen"),
        queryset=RoundPage.objects.none(),
        empty_label=None,
    )

    def __init__(self, *args, exclude_round_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["target_round"]
        field.queryset = RoundPage.objects.exclude(pk__in=list(exclude_round_ids)).order_by(
            "-number", "-pk"
        )
        field.label_from_instance = lambda r: r.title


class OfflineProposalForm(forms.Form):
    """A proposal from a workshop, interview or paper form."""

    title = forms.CharField(label=_("Titel"), max_length=120)
    description = forms.CharField(
        label=_("Beschreibung"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Absätze durch eine Leerzeile trennen."),
    )
    field_of_action = forms.ModelChoiceField(
        label=_("Handlungsfeld"), queryset=FieldOfAction.objects.all()
    )
    lat = forms.FloatField(
        label=_("Breitengrad"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Optional: ein Ort, z. B. 50.2612"),
    )
    lon = forms.FloatField(
        label=_("Längengrad"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Optional: ein Ort, z. B. 10.9627"),
    )

    def __init__(self, *args, source: OfflineSource, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        allowed = list(source.round.fields_of_action.values_list("pk", flat=True))
        if allowed:
            self.fields["field_of_action"].queryset = FieldOfAction.objects.filter(pk__in=allowed)

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if (
            (lat is None) != (lon is None)
            and not self.errors.get("lat")
            and not self.errors.get("lon")
        ):
            raise forms.ValidationError(
                _("Bitte geben Sie Breiten- und Längengrad an – oder keinen von beiden.")
            )
        return cleaned


class TallyRowForm(forms.Form):
    """Paper votes of one proposal from one source (a row of the tally sheet)."""

    support = forms.IntegerField(label=_("Dafür"), min_value=0, required=False)
    against = forms.IntegerField(label=_("Dagegen"), min_value=0, required=False)
