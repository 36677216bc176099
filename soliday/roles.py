"""Staff roles: which permissions each group holds. `manage.py setup_roles` applies them."""

# group name -> {app label: [model names]}; each model gets ACTIONS, unless ROLE_ACTIONS
# (for the whole group) or MODEL_ACTIONS (for one of its models) say otherwise.
ROLES = {
    "Editors": {
        "news": ["article", "page"],
    },
    "Moderators": {
        "actions": ["action", "campaign", "campaignidea", "campaignmaterial", "takedown", "report"],
    },
}
ACTIONS = ("add", "change", "delete", "view")
# Moderators view and change; they never add or delete actions or campaigns (see
# ROLE_ACTIONS), but they write a campaign's ways to take part and its materials.
ROLE_ACTIONS = {"Moderators": ("change", "view")}
MODEL_ACTIONS = {
    ("Moderators", "campaignidea"): ACTIONS,
    ("Moderators", "campaignmaterial"): ACTIONS,
    # A takedown is made (add) and lifted (change), never deleted: it is the record.
    ("Moderators", "takedown"): ("add", "change", "view"),
}
