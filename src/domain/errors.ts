/** Domain errors, shared by every front door (CLI, /v2, GraphQL); they carry no protocol status. */
export class ValidationError extends Error {}
export class NotFoundError extends Error {}
export class ConflictError extends Error {}
