import type {
  APIActionRowComponent,
  APIButtonComponentWithURL,
  ButtonStyle,
  ComponentType,
} from 'discord-api-types/v10';

export type LinkButtonRow = APIActionRowComponent<APIButtonComponentWithURL>;

// Literals checked against discord-api-types: the Worker posts this button too, and must not
// bundle discord.js or the enum tables.
const ActionRow = 1 satisfies ComponentType.ActionRow;
const Button = 2 satisfies ComponentType.Button;
const LinkStyle = 5 satisfies ButtonStyle.Link;

/** The "Watch and share" button under a posted video: a link button to its watch page. */
export function watchButton(shareUrl: string): LinkButtonRow[] {
  return [
    {
      type: ActionRow,
      components: [{ type: Button, style: LinkStyle, label: 'Watch and share', url: shareUrl }],
    },
  ];
}
