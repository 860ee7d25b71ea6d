import type { ChatPlatform, MessageEditor } from "#core/chat/ports.js";
import { AppError } from "#core/errors.js";
import { err } from "#core/result.js";

/** The core's MessageEditor over several platforms: each ref goes to its platform's editor. */
export function createRoutingMessageEditor(editors: Partial<Record<ChatPlatform, MessageEditor>>): MessageEditor {
  return {
    async edit(ref, reply) {
      const editor = editors[ref.platform];
      if (editor === undefined) {
        return err(
          new AppError("alerts.no_editor", `No message editor for ${ref.platform}.`, {
            context: { platform: ref.platform },
          }),
        );
      }
      return editor.edit(ref, reply);
    },
  };
}
