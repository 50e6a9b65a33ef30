import { googleError, invalidArgument, notFound } from './errors';
import { noContent, ok } from './gmail-messages';
import { SYSTEM_LABELS, type Label } from './mailbox';
import { USER_PATH, type GmailRoutes } from './routes';

type LabelInput = Partial<Pick<Label, 'name' | 'messageListVisibility' | 'labelListVisibility' | 'color'>>;

const RESERVED = new Set<string>(SYSTEM_LABELS.map((l) => l.toLowerCase()));

export function registerLabelRoutes(routes: GmailRoutes): void {
  const P = USER_PATH;
  const conflict = () => googleError(409, 'ALREADY_EXISTS', 'Label name exists or conflicts', 'duplicate');

  routes.add('GET', `${P}/labels`, 1, 'read', ({ user }) => ok({ labels: [...user.mailbox.labels.values()].map((l) => ({ ...l })) }));

  routes.add('GET', `${P}/labels/:id`, 1, 'read', ({ user }, req) => {
    const label = user.mailbox.labels.get(req.params.id);
    return label ? ok(user.mailbox.labelWithCounts(label)) : notFound();
  });

  routes.add('POST', `${P}/labels`, 5, 'labels', ({ user }, req) => {
    const input = req.json<LabelInput>();
    const name = (input.name ?? '').trim();
    if (!name || RESERVED.has(name.toLowerCase())) return invalidArgument('Invalid label name');
    if (user.mailbox.labelByName(name)) return conflict();
    const label = user.mailbox.createLabel({
      name,
      messageListVisibility: input.messageListVisibility ?? 'show',
      labelListVisibility: input.labelListVisibility ?? 'labelShow',
      ...(input.color ? { color: input.color } : {}),
    });
    return ok(label);
  });

  const update = (replace: boolean) =>
    (({ user }, req) => {
      const label = user.mailbox.labels.get(req.params.id);
      if (!label) return notFound();
      if (label.type === 'system') return invalidArgument(`Invalid label: ${label.id}`);
      const input = req.json<LabelInput>();
      if (input.name !== undefined) {
        const name = input.name.trim();
        if (!name || RESERVED.has(name.toLowerCase())) return invalidArgument('Invalid label name');
        const other = user.mailbox.labelByName(name);
        if (other && other.id !== label.id) return conflict();
        label.name = name;
      } else if (replace) return invalidArgument('Invalid label name');
      if (input.messageListVisibility !== undefined) label.messageListVisibility = input.messageListVisibility;
      if (input.labelListVisibility !== undefined) label.labelListVisibility = input.labelListVisibility;
      if (input.color !== undefined) label.color = input.color;
      return ok(label);
    }) satisfies Parameters<GmailRoutes['add']>[4];
  routes.add('PATCH', `${P}/labels/:id`, 5, 'labels', update(false));
  routes.add('PUT', `${P}/labels/:id`, 5, 'labels', update(true));

  routes.add('DELETE', `${P}/labels/:id`, 5, 'labels', ({ user }, req) => {
    const label = user.mailbox.labels.get(req.params.id);
    if (!label) return notFound();
    if (label.type === 'system') return invalidArgument(`Invalid label: ${label.id}`);
    user.mailbox.deleteLabel(label.id);
    return noContent();
  });
}
