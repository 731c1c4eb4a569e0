/** GitLab-style global IDs: `gid://berth/<Type>/<id>`; `gid://gitlab/<Type>/<id>` is accepted too. */
export function toGlobalId(type: string, id: number | string): string {
  return `gid://berth/${type}/${id}`;
}

/** The numeric id in a global ID of `type`, or undefined when it is not one. */
export function fromGlobalId(type: string, gid: string): number | undefined {
  const m = /^gid:\/\/(?:berth|gitlab)\/([A-Za-z:]+)\/(\d+)$/.exec(gid);
  if (!m || m[1] !== type) return undefined;
  const id = Number(m[2]);
  return Number.isSafeInteger(id) ? id : undefined;
}
