import type { ArgSpec } from "../command.js";

const MAX_USER_LENGTH = 320;

/** `<user>`: a UPN, an e-mail address or an Entra object id; the engine resolves it. */
export const userArg: ArgSpec = {
  name: "user",
  summary: "user principal name, e-mail address or Entra object id",
  required: true,
  validate: (value) => {
    if (value.trim() === "") return "is empty";
    if (value.length > MAX_USER_LENGTH) return `is longer than ${MAX_USER_LENGTH} characters`;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (/[\s\u0000-\u001f\u007f]/.test(value)) return "contains spaces or control characters";
    return null;
  },
};

/** `<id>` of a held deletion batch, as shown by `abm approvals` (e.g. apr_1a2b3c…). */
export const approvalIdArg: ArgSpec = {
  name: "id",
  summary: "approval id shown by `abm approvals` (apr_…)",
  required: true,
  validate: (value) =>
    /^[A-Za-z0-9_-]{1,64}$/.test(value) ? null : "is not an approval id (letters, digits, _ and -)",
};
