/** Slack Block Kit limits we render within (https://api.slack.com/reference/block-kit). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3_000,
  sectionFields: 10,
  fieldText: 2_000,
  contextElements: 10,
  contextText: 3_000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2_000,
  actionId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** all visible text in one message (blocks + fallback); Slack rejects or truncates well above this */
  totalText: 12_000,
  /** a Home tab view holds up to 100 blocks (a message 50) */
  homeBlocks: 100,
  imageUrl: 3_000,
  imageAltText: 2_000,
  imageTitle: 2_000,
} as const;

export interface PlainTextObject {
  readonly type: "plain_text";
  readonly text: string;
  readonly emoji?: boolean;
}

export interface MrkdwnObject {
  readonly type: "mrkdwn";
  readonly text: string;
}

export interface SlackConfirm {
  readonly title: PlainTextObject;
  readonly text: MrkdwnObject;
  readonly confirm: PlainTextObject;
  readonly deny: PlainTextObject;
  readonly style?: "primary" | "danger";
}

export interface SlackButton {
  readonly type: "button";
  readonly action_id: string;
  readonly text: PlainTextObject;
  readonly value: string;
  readonly style?: "primary" | "danger";
  readonly confirm?: SlackConfirm;
}

export type SlackBlock =
  | { readonly type: "header"; readonly text: PlainTextObject }
  | { readonly type: "section"; readonly text?: MrkdwnObject; readonly fields?: readonly MrkdwnObject[] }
  | { readonly type: "context"; readonly elements: readonly MrkdwnObject[] }
  | { readonly type: "actions"; readonly elements: readonly SlackButton[] }
  | { readonly type: "divider" }
  | {
      readonly type: "image";
      readonly image_url: string;
      readonly alt_text: string;
      readonly title?: PlainTextObject;
    };

/** What `views.publish` takes for the App Home tab. */
export interface SlackHomeView {
  readonly type: "home";
  readonly blocks: readonly SlackBlock[];
}

/** What `chat.postMessage` / `chat.update` / `respond()` take: blocks plus the notification text. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}
