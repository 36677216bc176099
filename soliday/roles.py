"""Staff roles: which permissions each group holds. `manage.py setup_roles` applies them."""

# group name -> {app label: [model names]}; each model gets add, change, delete and view.
ROLES = {
    "Editors": {
        "news": ["article"],
    },
    "Moderators": {
        "actions": ["action", "campaign"],
    },
}
# Moderators view and change; they never add or delete (see ROLE_ACTIONS).
ROLE_ACTIONS = {"Moderators": ("change", "view")}
ACTIONS = ("add", "change", "delete", "view")
