from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

from soliday.roles import ACTIONS, MODEL_ACTIONS, ROLE_ACTIONS, ROLES


class Command(BaseCommand):
    help = "Create or update the staff groups (Editors, ...) with exactly their permissions."

    def handle(self, *args, **options):
        for group_name, models in ROLES.items():
            codenames = {
                (app_label, f"{action}_{model}")
                for app_label, model_names in models.items()
                for model in model_names
                for action in MODEL_ACTIONS.get(
                    (group_name, model), ROLE_ACTIONS.get(group_name, ACTIONS)
                )
            }
            permissions = []
            for app_label, codename in sorted(codenames):
                try:
                    permissions.append(
                        Permission.objects.get(content_type__app_label=app_label, codename=codename)
                    )
                except Permission.DoesNotExist:
                    raise CommandError(
                        f"Permission {app_label}.{codename} does not exist; run migrate first."
                    ) from None
            group, created = Group.objects.get_or_create(name=group_name)
            group.permissions.set(permissions)
            verb = "Created" if created else "Updated"
            self.stdout.write(f"{verb} group {group_name} with {len(permissions)} permissions.")
