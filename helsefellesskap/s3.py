"""The private storage on an S3-compatible bucket (`PORTAL_FILE_STORAGE=s3`, see settings), kept
apart from `files.py` so that a portal on a local folder never loads boto3.

The objects stay private: the class's defaults, which no AWS_* setting changes, send no ACL
(the bucket's own policy applies, and it must not be public), `url()` is refused like the local
folder's, and a name is never overwritten (a clash gets a new name, as on disk). The settings
give only where the bucket is and how to reach it. A file read for a download is held in memory
up to 5 MB, beyond that in a temporary file; it is fetched whole before the download begins.
"""

from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage

from .files import NoUrlMixin, StorageUnavailable


class PrivateS3Storage(NoUrlMixin, S3Storage):
    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "max_memory_size": 5 * 1024 * 1024,
        }

    def _open(self, name, mode="rb"):
        """The file, fetched before it is handed on: a bucket that does not answer (no access,
        no network) is then a `StorageUnavailable` the download can tell the user about,
        rather than an error in the middle of a response that has already begun."""
        try:
            opened = super()._open(name, mode)
            opened.file  # noqa: B018  (downloads the object into the spooled file)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise FileNotFoundError(name) from None
            raise StorageUnavailable(name) from error
        except BotoCoreError as error:
            raise StorageUnavailable(name) from error
        return opened
