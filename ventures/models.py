"""The JV registry: shareholders, joint ventures, shareholdings and yearly indicators."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.models import BilingualNameMixin, VersionedModel
from core.registry import membership
from core.roles import is_representative, sees_all_ventures

from .choices import Currency, Industry, PartyKind, ReservedMatter, StrategicTier, VentureStatus
from .validators import normalize_uscc, validate_uscc

HUNDRED = Decimal("100")
ZERO = Decimal("0")


def _representative_venture_ids(user):
    """Ids of JVs where ``user`` holds an active appointment, as a subquery.

    Appointments belong to the representatives app, which depends on this one; it provides the
    answer through ``core.registry``, so this app imports nothing from it.
    """
    return membership().serving_venture_ids(user)


class JointVentureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """JVs ``user`` may see: all for leadership and HQ staff; appointed ones for a representative."""
        if sees_all_ventures(user):
            return self
        if is_representative(user):
            return self.filter(pk__in=_representative_venture_ids(user))
        return self.none()

    def with_group_stake(self):
        """Annotate ``group_stake``: the percentage held by the group's own companies."""
        return self.annotate(
            group_stake=Coalesce(
                Sum("shareholdings__percentage", filter=Q(shareholdings__party__kind=PartyKind.GROUP)),
                ZERO,
                output_field=models.DecimalField(max_digits=6, decimal_places=3),
            )
        )


class PartyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All parties for HQ and leadership; a representative sees the shareholders of their JVs."""
        if sees_all_ventures(user):
            return self
        if is_representative(user):
            holdings = Shareholding.objects.filter(
                party=OuterRef("pk"), jv_id__in=_representative_venture_ids(user)
            )
            return self.filter(Exists(holdings))
        return self.none()


def in_visible_ventures(queryset, user):
    """``queryset``'s rows whose JV (a required ``jv``) the user may see.

    For HQ and leadership, who see every JV, the queryset is returned as it is: a semi-join with
    every JV filters nothing and keeps PostgreSQL from reading a list's first page off the index
    behind its sort (docs/performance.md).
    """
    if sees_all_ventures(user):
        return queryset.all()
    return queryset.filter(jv__in=JointVenture.objects.visible_to(user).values("pk"))


class VentureChildQuerySet(models.QuerySet):
    """Rows that belong to one JV and are visible exactly when the JV is."""

    def visible_to(self, user):
        return in_visible_ventures(self, user)


class Party(BilingualNameMixin, VersionedModel):
    """A shareholder of a JV: a company of the group or a foreign (or domestic) partner."""

    name = models.CharField(_("name (Chinese)"), max_length=200, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PartyKind.choices)
    country = CountryField(_("country"))
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("shareholder")
        verbose_name_plural = _("shareholders")

    @property
    def is_group_company(self) -> bool:
        return self.kind == PartyKind.GROUP

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ventures:party_detail", args=[self.pk])


class JointVenture(BilingualNameMixin, VersionedModel):
    """A joint venture between a company of the group and one or more foreign partners."""

    name = models.CharField(_("legal name (Chinese)"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        help_text=_("18 characters, as printed on the business licence (GB 32100-2015)."),
        error_messages={"unique": _("Another joint venture already has this code.")},
    )
    established_on = models.DateField(_("established"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital"),
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices)
    district = models.CharField(_("district"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=VentureStatus.choices, default=VentureStatus.OPERATING
    )
    main_products = models.TextField(_("main products"), blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="ventures",
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("HQ liaison"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_ventures",
    )
    strategic_tier = models.CharField(
        _("strategic tier"), max_length=16, choices=StrategicTier.choices, default=StrategicTier.GENERAL
    )
    reserved_matters = models.JSONField(
        _("reserved matters"),
        default=list,
        blank=True,
        help_text=_("Kinds of decision on which the representatives need HQ's voting instruction."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = JointVentureQuerySet.as_manager()
    JSON_CHOICES = {"reserved_matters": ReservedMatter.choices}

    class Meta:
        ordering = ["name"]
        verbose_name = _("joint venture")
        verbose_name_plural = _("joint ventures")
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_capital__gte=0),
                name="jv_registered_capital_non_negative",
                violation_error_message=_("Registered capital cannot be negative."),
            ),
        ]

    def clean_fields(self, exclude=None):
        self.uscc = normalize_uscc(self.uscc)
        super().clean_fields(exclude=exclude)

    def clean(self):
        matters = self.reserved_matters or []
        if not isinstance(matters, list) or any(m not in ReservedMatter.values for m in matters):
            raise ValidationError({"reserved_matters": _("Choose reserved matters from the list.")})
        self.reserved_matters = sorted(set(matters))

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ventures:venture_detail", args=[self.pk])

    @property
    def reserved_matter_labels(self) -> list[str]:
        labels = dict(ReservedMatter.choices)
        return [labels[m] for m in self.reserved_matters if m in labels]


def _amount(verbose_name, *, signed=False, **kwargs):
    validators = [] if signed else [MinValueValidator(ZERO)]
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, validators=validators, **kwargs)


class Shareholding(VersionedModel):
    """A party's stake in a JV. The stakes of one JV add up to at most 100 percent."""

    jv = models.ForeignKey(
        JointVenture, verbose_name=_("joint venture"), on_delete=models.CASCADE, related_name="shareholdings"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("shareholder"), on_delete=models.PROTECT, related_name="shareholdings"
    )
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(HUNDRED)],
        help_text=_("Share of the registered capital, more than 0 and at most 100."),
    )
    subscribed_capital = _amount(_("subscribed capital"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = VentureChildQuerySet.as_manager()
    constraint_error_fields = {"duplicate_party": "party"}
    HISTORY_LABEL_FIELDS = ("party",)

    class Meta:
        ordering = ["-percentage", "pk"]
        verbose_name = _("shareholding")
        verbose_name_plural = _("shareholdings")
        constraints = [
            models.UniqueConstraint(
                fields=["jv", "party"],
                name="shareholding_unique_party_per_jv",
                violation_error_code="duplicate_party",
                violation_error_message=_("This shareholder already holds shares in this joint venture."),
            ),
            models.CheckConstraint(
                condition=Q(percentage__gt=0) & Q(percentage__lte=100),
                name="shareholding_percentage_range",
                violation_error_message=_("A percentage must be more than 0 and at most 100."),
            ),
            models.CheckConstraint(
                condition=Q(subscribed_capital__isnull=True) | Q(subscribed_capital__gte=0),
                name="shareholding_subscribed_capital_non_negative",
                violation_error_message=_("Subscribed capital cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} · {self.percentage}%"

    def get_absolute_url(self):
        return f"{self.jv.get_absolute_url()}#shareholders"

    def others_total(self) -> Decimal:
        """The percentage held by the JV's other shareholders, as stored."""
        others = Shareholding.objects.filter(jv_id=self.jv_id)
        if self.pk:
            others = others.exclude(pk=self.pk)
        return others.aggregate(total=Coalesce(Sum("percentage"), ZERO))["total"]

    def clean(self):
        if self.jv_id is None or self.percentage is None or getattr(self, "_skip_total_check", False):
            return
        total = self.others_total() + self.percentage
        if total > HUNDRED:
            raise ValidationError(
                {
                    "percentage": ValidationError(
                        _(
                            "The shareholders of this joint venture would hold %(total)s%% in all; "
                            "at most %(free)s%% is still free."
                        ),
                        code="total_over_100",
                        params={
                            "total": format(total.normalize(), "f"),
                            "free": format((HUNDRED - total + self.percentage).normalize(), "f"),
                        },
                    )
                }
            )


class AnnualIndicators(VersionedModel):
    """One JV's key figures for one year, in ten thousand yuan (headcount in people)."""

    jv = models.ForeignKey(
        JointVenture, verbose_name=_("joint venture"), on_delete=models.CASCADE, related_name="indicators"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1978), MaxValueValidator(2100)]
    )
    revenue = _amount(_("revenue"))
    net_profit = _amount(_("net profit"), signed=True)
    tax_paid = _amount(_("tax paid"))
    dividends_declared = _amount(_("dividends declared to the group"))
    dividends_received = _amount(_("dividends received by the group"))
    new_investment = _amount(_("new investment"))
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)

    history = HistoricalRecords()
    objects = VentureChildQuerySet.as_manager()

    constraint_error_fields = {"duplicate_year": "year"}
    HISTORY_LABEL_FIELDS = ("year",)

    AMOUNT_FIELDS = (
        "revenue",
        "net_profit",
        "tax_paid",
        "dividends_declared",
        "dividends_received",
        "new_investment",
    )
    # What a year's row records, as the forms, the admin and the data returns ask for it.
    FIGURE_FIELDS = (*AMOUNT_FIELDS, "headcount")

    class Meta:
        ordering = ["jv", "-year"]
        verbose_name = _("annual indicators")
        verbose_name_plural = _("annual indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["jv", "year"],
                name="indicators_unique_year_per_jv",
                violation_error_code="duplicate_year",
                violation_error_message=_("This joint venture already has indicators for this year."),
            ),
            models.CheckConstraint(
                condition=Q(revenue__gte=0)
                & Q(tax_paid__gte=0)
                & Q(dividends_declared__gte=0)
                & Q(dividends_received__gte=0)
                & Q(new_investment__gte=0),
                name="indicators_amounts_non_negative",
                violation_error_message=_("Revenue, tax, dividends and investment cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jv} {self.year}"

    def get_absolute_url(self):
        return f"{self.jv.get_absolute_url()}#indicators"


def indicator_field(name: str, **overrides) -> models.Field:
    """A copy of one of ``AnnualIndicators``' figures (label, digits, validators), for a record that
    collects the same figures (a JV's data return for the annual research)."""
    field = AnnualIndicators._meta.get_field(name).clone()
    for attribute, value in overrides.items():
        setattr(field, attribute, value)
    return field
