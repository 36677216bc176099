from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from actions import services
from actions.models import Campaign, Takedown


class Command(BaseCommand):
    help = (
        "Emergency takedown: hide at once every approved action matching all the criteria "
        "given (campaign, country, city, hashtag), or lift a takedown (--lift ID), or list "
        "them (--list)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", default="", help="The campaign's slug.")
        parser.add_argument("--country", default="", help="ISO 3166 code, e.g. BY.")
        parser.add_argument("--city", default="", help="The city's name (any case).")
        parser.add_argument("--hashtag", default="", help="With or without #.")
        parser.add_argument("--reason", default="", help="Why: recorded with the takedown.")
        parser.add_argument("--user", default="", help="The staff member who asked for it.")
        parser.add_argument("--lift", type=int, metavar="ID", help="Lift this takedown.")
        parser.add_argument("--list", action="store_true", help="List the takedowns.")

    def handle(self, *args, **options):
        if options["list"]:
            return self.list()
        user = self.user(options["user"])
        try:
            if options["lift"] is not None:
                return self.lift(options["lift"], options["reason"], user)
            return self.take_down(options, user)
        except services.TakedownError as error:
            raise CommandError(str(error)) from None

    def take_down(self, options, user):
        campaign = None
        if options["campaign"]:
            campaign = Campaign.objects.filter(slug=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"No campaign with the slug {options['campaign']!r}.")
        takedown = services.take_down(
            campaign=campaign,
            country=options["country"],
            city=options["city"],
            hashtag=options["hashtag"],
            reason=options["reason"],
            user=user,
        )
        self.stdout.write(
            f"Takedown {takedown.pk} ({takedown}): {takedown.hidden_count} actions hidden."
        )

    def lift(self, pk, reason, user):
        takedown = Takedown.objects.filter(pk=pk).first()
        if takedown is None:
            raise CommandError(f"No takedown {pk}.")
        lifted = services.lift_takedown(takedown, user=user, reason=reason)
        verb = "Lifted" if lifted.was_active else "Already lifted"
        self.stdout.write(
            f"{verb} takedown {pk} ({takedown}): {lifted.released} actions released"
            + (f", {lifted.failed} could not be released (run again)." if lifted.failed else ".")
        )

    def list(self):
        takedowns = list(
            Takedown.objects.select_related("campaign", "created_by", "lifted_by").order_by(
                "-created_at", "-id"
            )
        )
        if not takedowns:
            self.stdout.write("No takedowns.")
        for takedown in takedowns:
            by = takedown.created_by.get_username() if takedown.created_by else "command line"
            state = "active"
            if not takedown.is_active:
                lifted_by = takedown.lifted_by.get_username() if takedown.lifted_by else "-"
                state = f"lifted {takedown.lifted_at:%Y-%m-%d %H:%M} by {lifted_by}"
            self.stdout.write(
                f"{takedown.pk}\t{takedown}\t{takedown.hidden_count} hidden\t"
                f"{takedown.created_at:%Y-%m-%d %H:%M} by {by}\t{state}\t{takedown.reason}"
            )

    def user(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_staff=True).first()
        if user is None:
            raise CommandError(f"No staff member with the username {username!r}.")
        return user
