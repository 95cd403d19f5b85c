"""Admin for engagements: the topics, the partner people and the contact targets are kept here
(versioned saves, like every portal page); engagements and commitments are read here with their
history and worked in the portal, where every change goes through the services."""

from django.contrib import admin

from core.admin import AttachmentInline, ReadOnlyAdmin, ReadOnlyInline, VersionedAdmin

from .models import Commitment, ContactTarget, Engagement, EngagementAttachment, PartnerPerson, Topic


@admin.register(Topic)
class TopicAdmin(VersionedAdmin):
    list_display = ["name", "name_en", "active", "position"]
    list_editable = []
    search_fields = ["name", "name_en"]
    fields = ["name", "name_en", "active", "position"]


@admin.register(PartnerPerson)
class PartnerPersonAdmin(VersionedAdmin):
    list_display = ["name", "title", "company"]
    search_fields = ["name", "title", "company__name", "company__name_en"]
    list_select_related = ["company"]
    fields = ["name", "title", "company"]


@admin.register(ContactTarget)
class ContactTargetAdmin(VersionedAdmin):
    """Days between high-level contacts per strategic tier (calendar days)."""

    list_display = ["tier", "days"]
    fields = ["tier", "days"]


class CommitmentInline(ReadOnlyInline):
    model = Commitment
    fields = ["jv", "committed_by", "text", "owner", "due_date", "status", "demand"]
    readonly_fields = fields


class EngagementAttachmentInline(AttachmentInline):
    model = EngagementAttachment


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "starts_on", "place", "high_level"]
    list_filter = ["kind", "status", "high_level"]
    search_fields = ["title", "place", "ventures__name", "ventures__name_en"]
    inlines = [CommitmentInline, EngagementAttachmentInline]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "jv", "committed_by", "owner", "due_date", "status", "demand"]
    list_filter = ["status", "committed_by"]
    search_fields = ["text", "jv__name", "jv__name_en"]
    list_select_related = ["jv", "owner", "demand"]
