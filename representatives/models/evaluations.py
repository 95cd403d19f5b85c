"""The yearly evaluation of a representative on the four requirements and the bottom line."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import VersionedModel
from core.roles import is_representative, sees_all_ventures

from ..choices import EvaluationStatus, Grade
from .people import Representative

SCORE_FIELDS = ("learning", "communication", "role", "proficiency")


def _score(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MaxValueValidator(100)], help_text=_("0 to 100.")
    )


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """HQ and leadership read every evaluation; a representative only their own, once published."""
        if sees_all_ventures(user):
            return self
        if is_representative(user):
            return self.filter(representative__user=user, status=EvaluationStatus.PUBLISHED)
        return self.none()


class Evaluation(VersionedModel):
    """HQ's evaluation of one representative for one year: the four requirements (learning,
    communication, playing their role, proficiency) scored, the bottom line (the interests of the
    state, the shareholders and the employees) kept or breached, and an overall grade.

    A breached bottom line can only be graded incompetent.
    """

    representative = models.ForeignKey(
        Representative, verbose_name=_("representative"), on_delete=models.PROTECT, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    learning = _score(_("learning"))
    communication = _score(_("communication"))
    role = _score(_("playing their role"))
    proficiency = _score(_("proficiency"))
    bottom_line_kept = models.BooleanField(_("bottom line kept"), default=True)
    bottom_line_note = models.TextField(_("bottom line note"), blank=True)
    grade = models.CharField(_("overall grade"), max_length=16, choices=Grade.choices)
    summary = models.TextField(_("summary"), blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), on_delete=models.PROTECT, related_name="+"
    )
    evaluated_on = models.DateField(_("evaluated on"))
    status = models.CharField(
        _("status"), max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    history = HistoricalRecords()
    objects = EvaluationQuerySet.as_manager()
    HISTORY_LABEL_FIELDS = ("representative", "year")
    constraint_error_fields = {"breach_explained": "bottom_line_note", "breach_grade": "grade"}

    class Meta:
        ordering = ["-year", "representative__name"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["representative", "year"],
                name="evaluation_one_per_year",
                violation_error_message=_("This representative already has an evaluation for this year."),
            ),
            models.CheckConstraint(
                condition=Q(bottom_line_kept=True) | ~Q(bottom_line_note=""),
                name="evaluation_breach_explained",
                violation_error_code="breach_explained",
                violation_error_message=_("Say how the bottom line was breached."),
            ),
            models.CheckConstraint(
                condition=Q(bottom_line_kept=True) | Q(grade=Grade.INCOMPETENT),
                name="evaluation_breach_grade",
                violation_error_code="breach_grade",
                violation_error_message=_(
                    "A representative who breached the bottom line is graded incompetent."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.representative} · {self.year}"

    def get_absolute_url(self):
        return reverse("representatives:evaluation_detail", args=[self.pk])

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in SCORE_FIELDS)

    @property
    def average(self) -> float:
        return self.total / len(SCORE_FIELDS)
