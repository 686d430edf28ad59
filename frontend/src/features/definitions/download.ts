/** Hand text to the browser as a file download, as if a link to it were clicked. */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob over; the URL is not needed any more.
  window.setTimeout(() => URL.revokeObjectURL(url), 0);
}
