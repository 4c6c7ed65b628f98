import {
  type APIActionRowComponent,
  type APIButtonComponentWithURL,
  ButtonStyle,
  ComponentType,
} from 'discord.js';

export type LinkButtonRow = APIActionRowComponent<APIButtonComponentWithURL>;

/** The "Watch and share" button under a posted video: a link button to its watch page. */
export function watchButton(shareUrl: string): LinkButtonRow[] {
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.Button,
          style: ButtonStyle.Link,
          label: 'Watch and share',
          url: shareUrl,
        },
      ],
    },
  ];
}
