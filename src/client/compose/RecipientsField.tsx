import React, { useState } from 'react';
import { Select, Tag, Tooltip } from 'antd';
import { useMailTranslation } from '../locale';
import { mergeEntries, parseRecipient, splitEntries, splitList } from './addresses';

interface Props {
  /** Entries as shown (`Name <a@b.c>` or `a@b.c`); Form.Item passes them. */
  value?: string[];
  onChange?(value: string[]): void;
  id?: string;
  'aria-label'?: string;
  autoFocus?: boolean;
  /** When the field receives focus, e.g. so a revealed Cc field stays open. */
  onFocus?(): void;
}

/**
 * Recipients as tags. A comma, semicolon, Enter or leaving the field turns what
 * was typed into entries; a pasted list (`Name <a@b.c>, x@y.z`) is split whole,
 * names with commas in quotes included. Invalid addresses stay, in red, so the
 * writer can see and fix them; the form refuses to send until they do.
 */
export function RecipientsField({ value = [], onChange, id, 'aria-label': ariaLabel, autoFocus, onFocus }: Props) {
  const { t } = useMailTranslation();
  const [search, setSearch] = useState('');
  const add = (entries: string[]) => {
    if (entries.length) onChange?.(mergeEntries(value, entries));
  };

  return (
    <div
      style={{ width: '100%' }}
      // Browsers drop the line breaks of text pasted into an input, which would glue a
      // pasted column of addresses together: take the clipboard's text as a list ourselves.
      onPasteCapture={(e) => {
        const text = e.clipboardData.getData('text');
        if (!/[,;\r\n]/.test(text)) return;
        e.preventDefault();
        const { complete, rest } = splitList(search + text);
        add(complete);
        setSearch(rest.trimStart());
      }}
      // Enter ends an entry. Handled here rather than left to the Select, which reads the
      // legacy keyCode; the Select's own submit would only add the same entry again.
      onKeyDownCapture={(e) => {
        if (e.key !== 'Enter' || e.nativeEvent.isComposing || !search.trim()) return;
        e.preventDefault();
        add(splitEntries(search));
        setSearch('');
        // Ctrl/Cmd+Enter goes on to send the message, with this entry in it.
        if (!e.ctrlKey && !e.metaKey) e.stopPropagation();
      }}
    >
      <Select<string[]>
        id={id}
        mode="tags"
        aria-label={ariaLabel}
        autoFocus={autoFocus}
        onFocus={onFocus}
        open={false}
        suffixIcon={null}
        style={{ width: '100%' }}
        value={value}
        searchValue={search}
        onSearch={(text) => {
          const { complete, rest } = splitList(text);
          add(complete);
          setSearch(complete.length ? rest.trimStart() : text);
        }}
        // Enter or leaving the field adds what was typed; closing a tag removes it.
        onChange={(next) => {
          const kept = next.filter((v) => value.includes(v));
          const typed = next.filter((v) => !value.includes(v)).flatMap(splitEntries);
          onChange?.(mergeEntries(kept, typed));
          setSearch('');
        }}
        tagRender={({ value: entry, closable, onClose }) => {
          const r = parseRecipient(String(entry));
          const tag = (
            <Tag
              data-testid="mail-recipient"
              data-valid={r.valid}
              color={r.valid ? undefined : 'error'}
              closable={closable}
              onClose={onClose}
              // Keep the click on the tag from opening the field's text cursor elsewhere.
              onMouseDown={(e) => e.preventDefault()}
              style={{ marginInlineEnd: 4, marginBlock: 2 }}
            >
              {r.name || r.address || String(entry)}
            </Tag>
          );
          return <Tooltip title={r.valid ? r.address : t('Not a valid email address')}>{tag}</Tooltip>;
        }}
      />
    </div>
  );
}
