/** Removes secrets from text before it leaves the macro (messages, logs). */

/** `scheme://user:password@host` → `scheme://host`, anywhere in a text (bounded parts: linear time). */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]{0,30}:\/\/)[^\s/@"'`]{1,512}@/gi;

/** A message longer than this is cut, after redaction (cutting first could leave part of a secret). */
export const MAX_MESSAGE = 2000;

export type Redactor = (text: string) => string;

/** A redactor for these secret values (longest first, so a secret containing another goes whole). */
export function redactor(secrets: readonly string[]): Redactor {
  const ordered = [...new Set(secrets)].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text.replace(URL_CREDENTIALS, "$1");
    for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join("***");
    return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE - 3)}...` : out;
  };
}
