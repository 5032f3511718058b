/**
 * Hands the browser a file to save. The API's downloads need the key in a header, so they are
 * fetched first and saved from memory; a link to the API would put the key in no header at all.
 */
export function saveDownload(parts: readonly BlobPart[], type: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([...parts], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // the browser has started the save by the next turn; the memory can go after that
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
