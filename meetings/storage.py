"""Where meeting attachments are kept: a folder outside the static and media folders, without
any URL.

Django's FileSystemStorage falls back to MEDIA_URL when it is given no base URL, so it would
hand out "/vedlegg/…" addresses; this storage refuses instead. The only way to a file is
views.AttachmentDownloadView, which checks who may read it.
"""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError("Attachments have no URL: link to meetings:attachment_download instead.")
