/**
 * The subset of Adaptive Card 1.5 this adapter emits, typed. Every card we produce is checked in
 * tests against the official 1.5 JSON schema (test/fixtures/adaptive-card-1.5.schema.json).
 */
export type ContainerStyle = "default" | "emphasis" | "good" | "attention" | "warning" | "accent";
export type ActionStyle = "default" | "positive" | "destructive";

export interface ActionData {
  readonly actionId: string;
  readonly value: string;
}

export interface SubmitAction {
  readonly type: "Action.Submit";
  readonly title: string;
  readonly data: ActionData;
  readonly style?: ActionStyle;
}

export interface ExecuteAction {
  readonly type: "Action.Execute";
  readonly title?: string;
  readonly verb: string;
  readonly data: ActionData;
  readonly style?: ActionStyle;
  /** clients without Universal Actions (Action.Execute) fall back to an Action.Submit */
  readonly fallback?: SubmitAction;
}

export interface OpenUrlAction {
  readonly type: "Action.OpenUrl";
  readonly title: string;
  readonly url: string;
}

export interface ShowCardAction {
  readonly type: "Action.ShowCard";
  readonly title: string;
  readonly style?: ActionStyle;
  readonly card: NestedCard;
}

export type CardAction = ExecuteAction | OpenUrlAction | ShowCardAction | SubmitAction;

interface ElementBase {
  readonly separator?: boolean;
  readonly spacing?: "none" | "small" | "default" | "medium" | "large";
}

export interface TextBlock extends ElementBase {
  readonly type: "TextBlock";
  readonly text: string;
  readonly wrap: true;
  readonly size?: "small" | "default" | "medium" | "large";
  readonly weight?: "default" | "bolder";
  readonly isSubtle?: boolean;
  readonly style?: "default" | "heading";
  readonly fontType?: "default" | "monospace";
}

export interface Image extends ElementBase {
  readonly type: "Image";
  /** https or a `data:image/png;base64,…` URI (Adaptive Cards 1.2+) */
  readonly url: string;
  readonly altText: string;
  readonly size?: "auto" | "stretch" | "small" | "medium" | "large";
}

export interface FactSet extends ElementBase {
  readonly type: "FactSet";
  readonly facts: readonly { readonly title: string; readonly value: string }[];
}

export interface ActionSet extends ElementBase {
  readonly type: "ActionSet";
  readonly actions: readonly CardAction[];
}

export interface Container extends ElementBase {
  readonly type: "Container";
  readonly style?: ContainerStyle;
  readonly bleed?: boolean;
  readonly items: readonly CardElement[];
}

export type CardElement = TextBlock | FactSet | ActionSet | Container | Image;

/** A card inside Action.ShowCard: no `$schema`, version optional. */
export interface NestedCard {
  readonly type: "AdaptiveCard";
  readonly body: readonly CardElement[];
  readonly actions?: readonly CardAction[];
}

export interface CardRefresh {
  readonly action: ExecuteAction;
  /** Teams runs the refresh automatically only for these user ids (max 60, `29:…` MRIs) */
  readonly userIds: readonly string[];
}

export interface AdaptiveCard {
  readonly $schema: "http://adaptivecards.io/schemas/adaptive-card.json";
  readonly type: "AdaptiveCard";
  readonly version: "1.5";
  readonly fallbackText: string;
  readonly body: readonly CardElement[];
  readonly refresh?: CardRefresh;
}

export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
