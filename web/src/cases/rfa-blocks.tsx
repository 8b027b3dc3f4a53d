/**
 * rfa-blocks.tsx — why consent does not cover an item for an RFA, in the reader's language, from
 * the structured `blocks` the API gives beside its English `reasons`: whose condition (the item's
 * own, its source's, a witness's) and which rule the request breaks, with what the condition
 * allows (jurisdiction codes and purpose ids, shown as they are).
 */
import { useTranslation } from 'react-i18next';
import type { Block } from './types.js';

export function BlockText({ block }: { block: Block }) {
  const { t } = useTranslation();
  const whose = t(`rfa.subject.${block.subject}`, { defaultValue: block.subject });
  return (
    <span className="block-reason" data-rule={block.rule} data-subject={block.subject}>
      {t(`rfa.rule.${block.rule}`, { whose })}
      {block.values.length > 0 && (
        <>
          {' '}
          <bdi translate="no">{block.values.join(', ')}</bdi>
        </>
      )}
    </span>
  );
}
