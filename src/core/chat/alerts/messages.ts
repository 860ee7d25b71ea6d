import type { FailureGroup } from "../commands/errors.js";
import { type ChatLinks, code, countedList, formatTime, linksBlock, plain } from "../format.js";
import type { Reply, ReplyBlock } from "../reply.js";
import type { IncidentRecord } from "./incidents.js";

/** Replies for alert incidents: parents, follow-ups and resolved parents. */
function seen(incident: IncidentRecord): ReplyBlock {
  const cycles = incident.occurrences === 1 ? "once" : `${incident.occurrences} times`;
  return {
    type: "context",
    text: `Seen ${cycles}; first ${formatTime(incident.openedAt)}, last ${formatTime(incident.lastSeenAt)}.`,
  };
}

export function failureParent(incident: IncidentRecord, group: FailureGroup, runId: string, links: ChatLinks): Reply {
  return {
    fallbackText: `${group.count} users fail to sync: ${group.reason}`,
    blocks: [
      { type: "header", text: `${group.count} users fail to sync` },
      { type: "text", text: `**${plain(group.reason)}** ${code(group.code)}\nHow to fix: ${plain(group.fix)}` },
      countedList(group.examples.map(plain), group.count, group.examples.length, "For example"),
      { type: "context", text: `Last cycle ${code(runId)}. Run \`errors\` for every reason.` },
      seen(incident),
      ...linksBlock(links, ["entra", "activity"]),
    ],
    visibility: "channel",
    tone: "danger",
  };
}

export function resolvedParent(incident: IncidentRecord, at: Date, why: string): Reply {
  return {
    fallbackText: `Resolved: ${incident.title}`,
    blocks: [
      { type: "header", text: `Resolved: ${incident.title}` },
      { type: "text", text: `${plain(why)} Resolved at ${formatTime(at)}.` },
      seen(incident),
    ],
    visibility: "channel",
    tone: "success",
  };
}

export function followUp(text: string, tone: Reply["tone"]): Reply {
  return { fallbackText: text.replace(/\*\*|`/g, ""), blocks: [{ type: "text", text }], visibility: "channel", tone };
}

export function simpleParent(
  incident: IncidentRecord,
  text: string,
  tone: Reply["tone"],
  links: ChatLinks,
  kinds: readonly ("entra" | "directorySync" | "activity")[],
): Reply {
  return {
    fallbackText: `${incident.title}: ${text.replace(/\*\*|`/g, "")}`.slice(0, 300),
    blocks: [
      { type: "header", text: incident.title },
      { type: "text", text },
      seen(incident),
      ...linksBlock(links, kinds),
    ],
    visibility: "channel",
    tone,
  };
}
