// Limits of a create-item request, shared by the handler (which checks them)
// and the REST API's request model (which rejects bad bodies before Lambda runs).
export const MAX_NAME = 200;
export const MAX_DESCRIPTION = 2000;
