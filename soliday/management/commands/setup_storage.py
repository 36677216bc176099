"""Create the object storage buckets and their policies (MEDIA_STORAGE=s3). Idempotent.

The public bucket gets a policy that lets anyone read (s3:GetObject) its objects and
nothing else: no listing, no writing. The private bucket gets no policy at all, and its
public access is blocked where the server knows how (MinIO answers NotImplemented: it is
private anyway without a policy). With MEDIA_STORAGE=local there is nothing to do.
"""

import json

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

# S3 servers that do not implement a call answer with one of these codes.
NOT_IMPLEMENTED = {"NotImplemented", "NotImplementedError", "XNotImplemented"}
MISSING = {"404", "NoSuchBucket", "NotFound"}
NO_POLICY = {"NoSuchBucketPolicy", "NoSuchPolicy"}


def public_read_policy(bucket):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadObjects",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{bucket}/*"],
            }
        ],
    }


def error_code(error):
    return str(error.response.get("Error", {}).get("Code", ""))


class Command(BaseCommand):
    help = (
        "Create the object storage buckets (MEDIA_STORAGE=s3): the public one readable by "
        "anyone, the private one by nobody without keys. Idempotent; run it on every deploy."
    )

    def handle(self, *args, **options):
        if settings.MEDIA_STORAGE != "s3":
            self.stdout.write("MEDIA_STORAGE=local: media are on the local disk; nothing to do.")
            return
        try:
            self.set_up(storages["default"], public=True)
            self.set_up(storages["private"], public=False)
        except ClientError as error:
            raise CommandError(f"The object storage refused: {error}") from None

    def set_up(self, storage, *, public):
        client = storage.connection.meta.client
        bucket = storage.bucket_name
        created = self.create_bucket(client, bucket, storage.region_name)
        if public:
            policy = json.dumps(public_read_policy(bucket))
            client.put_bucket_policy(Bucket=bucket, Policy=policy)
            access = "anyone may read its objects"
        else:
            try:
                client.delete_bucket_policy(Bucket=bucket)
            except ClientError as error:
                if error_code(error) not in NO_POLICY | NOT_IMPLEMENTED:
                    raise
            self.block_public_access(client, bucket)
            access = "private"
        verb = "Created" if created else "Checked"
        self.stdout.write(f"{verb} bucket {bucket}: {access}.")

    def create_bucket(self, client, bucket, region):
        try:
            client.head_bucket(Bucket=bucket)
            return False
        except ClientError as error:
            if error_code(error) not in MISSING:
                raise
        arguments = {"Bucket": bucket}
        if region and region != "us-east-1":
            arguments["CreateBucketConfiguration"] = {"LocationConstraint": region}
        client.create_bucket(**arguments)
        return True

    def block_public_access(self, client, bucket):
        block = dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"),
            True,
        )
        try:
            client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=block)
        except ClientError as error:
            if error_code(error) not in NOT_IMPLEMENTED:
                raise
