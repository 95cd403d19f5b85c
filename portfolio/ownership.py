"""The ownership chart: the group's member companies, the JVs they hold and the JVs' partners, with
the stakes on the edges, laid out on the server as SVG (three columns, no script needed).

``chart(holdings)`` takes shareholdings (JV and party loaded) and returns what
templates/portfolio/includes/ownership_svg.html draws: the columns' nodes with their positions
and the edges with their stake and the point its label sits at.
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from ventures.choices import PartyKind
from ventures.models import JointVenture, Party, Shareholding

WIDTH = 1000
ROW = 34
TOP = 40
NODE_WIDTH = 240
NODE_HEIGHT = 24
# The left edge of each column: member companies, JVs, partners.
COLUMNS = (10, 380, 750)
# A label wider than this is shortened on the picture (the table and the tooltip hold it whole):
# a Chinese character counts two, a Latin letter one.
LABEL_WIDTH = 36
# How far apart the edges meeting one side of a JV's box are.
SPREAD = 11


@dataclass
class Node:
    key: str
    label: str
    url: str
    x: int
    y: int = 0

    @property
    def short(self) -> str:
        width = 0
        for index, char in enumerate(self.label):
            width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
            if width > LABEL_WIDTH:
                return self.label[: index - 1] + "…"
        return self.label

    @property
    def text_x(self) -> int:
        return self.x + 8

    @property
    def middle(self) -> int:
        return self.y + NODE_HEIGHT // 2


@dataclass
class Edge:
    source: Node
    target: Node
    stake: Decimal
    # Member company -> JV, or JV -> partner.
    kind: str
    points: dict = field(default_factory=dict)


def chart(holdings) -> dict:
    members: dict[int, Node] = {}
    ventures: dict[int, Node] = {}
    partners: dict[int, Node] = {}
    pending = []
    for holding in holdings:
        jv, party = holding.jv, holding.party
        venture = ventures.setdefault(jv.pk, Node(f"jv-{jv.pk}", str(jv), jv.get_absolute_url(), COLUMNS[1]))
        side = members if party.kind == PartyKind.GROUP else partners
        column = COLUMNS[0] if side is members else COLUMNS[2]
        node = side.setdefault(
            party.pk, Node(f"party-{party.pk}", str(party), party.get_absolute_url(), column)
        )
        pending.append((node, venture, holding.percentage, "member" if side is members else "partner"))
    columns = [sorted(c.values(), key=lambda n: n.label) for c in (members, ventures, partners)]
    for nodes in columns:
        for index, node in enumerate(nodes):
            node.y = TOP + index * ROW
    # Each JV's edges meet its box side by side, ordered by the other end's height so they do not
    # cross there; each stake is written at the JV's end of its edge, beside the box.
    sides: dict[tuple[str, str], list] = {}
    for party_node, venture, stake, kind in pending:
        sides.setdefault((venture.key, kind), []).append((party_node, venture, stake, kind))
    edges = []
    for group in sides.values():
        group.sort(key=lambda item: item[0].y)
        for index, (party_node, venture, stake, kind) in enumerate(group):
            offset = round((index - (len(group) - 1) / 2) * SPREAD)
            at_venture = venture.middle + offset
            if kind == "member":
                x1, y1, x2, y2 = party_node.x + NODE_WIDTH, party_node.middle, venture.x, at_venture
                label_x, anchor = x2 - 6, "end"
            else:
                x1, y1, x2, y2 = venture.x + NODE_WIDTH, at_venture, party_node.x, party_node.middle
                label_x, anchor = x1 + 6, "start"
            source, target = (party_node, venture) if kind == "member" else (venture, party_node)
            points = {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "cx": (x1 + x2) // 2}
            points.update(label_x=label_x, label_y=at_venture - 2, anchor=anchor)
            edges.append(Edge(source, target, stake, kind, points))
    rows = max((len(nodes) for nodes in columns), default=0)
    return {
        "members": columns[0],
        "ventures": columns[1],
        "partners": columns[2],
        "edges": edges,
        "width": WIDTH,
        "height": TOP + rows * ROW + 10,
        "node_width": NODE_WIDTH,
        "node_height": NODE_HEIGHT,
        "heading_x": [x + NODE_WIDTH // 2 for x in COLUMNS],
    }


class OwnershipFilterForm(forms.Form):
    """Narrow the chart to the JVs a member company or a partner holds; both menus list only the
    shareholders of the JVs the viewer sees."""

    member = forms.ModelChoiceField(
        label=_("Group member company"), queryset=Party.objects.none(), required=False
    )
    partner = forms.ModelChoiceField(label=_("Partners"), queryset=Party.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        holders = Party.objects.visible_to(user).filter(
            Exists(
                Shareholding.objects.filter(
                    party=OuterRef("pk"), jv__in=JointVenture.objects.visible_to(user).values("pk")
                )
            )
        )
        self.fields["member"].queryset = holders.filter(kind=PartyKind.GROUP).order_by("name")
        self.fields["partner"].queryset = holders.exclude(kind=PartyKind.GROUP).order_by("name")
        self.fields["member"].empty_label = _("All member companies")
        self.fields["partner"].empty_label = _("All partners")
        for name in self.fields:
            self.fields[name].widget.attrs["class"] = "form-select"


def holdings_for(*, user, member=None, partner=None):
    """Every stake in the JVs the user sees (those the member company, the partner, or both hold,
    when chosen), with the JV and the party."""
    ventures = JointVenture.objects.visible_to(user)
    if member is not None:
        ventures = ventures.filter(shareholdings__party=member)
    if partner is not None:
        ventures = ventures.filter(shareholdings__party=partner)
    return (
        Shareholding.objects.filter(jv__in=ventures.values("pk"))
        .select_related("jv", "party")
        .order_by("jv__name", "-percentage", "party__name")
    )
