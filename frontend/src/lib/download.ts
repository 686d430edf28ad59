/** Hand a blob to the browser as a file download, as if a link to it were clicked. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob over; the URL is not needed any more.
  window.setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Hand text to the browser as a file download. */
export function downloadText(text: string, fileName: string, type: string): void {
  downloadBlob(new Blob([text], { type }), fileName);
}

/** The file name a `Content-Disposition: attachment; filename="..."` answer gives. */
export function attachmentName(response: Response): string | null {
  const disposition = response.headers.get("Content-Disposition") ?? "";
  return /filename="([^"]+)"/.exec(disposition)?.[1] ?? null;
}
