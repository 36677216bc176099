"""Staff roles: which permissions each group holds. `manage.py setup_roles` applies them."""

# group name -> {app label: [model names]}; each model gets add, change, delete and view.
ROLES = {
    "Editors": {
        "news": ["article"],
    },
}
ACTIONS = ("add", "change", "delete", "view")
