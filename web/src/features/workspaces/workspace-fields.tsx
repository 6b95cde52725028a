import { useMemo } from 'react';
import type { ApiError } from '../../api/errors';
import type { Workspace } from '../../api/types';
import { Combobox } from '../../components/combobox';
import { Input, Textarea } from '../../components/field';
import { TagInput } from '../../components/tag-input';
import { browserTimezone, searchTimezones, timezoneOptions } from '../../lib/timezones';

export interface WorkspaceDraft {
  name: string;
  timezone: string;
  description: string;
  industry: string;
  brandVoice: string;
  defaultHashtags: string[];
}

export const emptyDraft = (): WorkspaceDraft => ({ name: '', timezone: browserTimezone(), description: '', industry: '', brandVoice: '', defaultHashtags: [] });

export const draftOf = (workspace: Workspace): WorkspaceDraft => ({
  name: workspace.name,
  timezone: workspace.timezone,
  description: workspace.description,
  industry: workspace.industry,
  brandVoice: workspace.brandVoice,
  defaultHashtags: workspace.defaultHashtags,
});

/** The request body for a draft (trimmed; the server validates the rest). */
export const bodyOf = (draft: WorkspaceDraft) => ({
  name: draft.name.trim(),
  timezone: draft.timezone,
  description: draft.description.trim(),
  industry: draft.industry.trim(),
  brandVoice: draft.brandVoice.trim(),
  defaultHashtags: draft.defaultHashtags,
});

const INDUSTRIES = [
  'Retail & e-commerce',
  'Restaurant & food',
  'Health & fitness',
  'Beauty & wellness',
  'Real estate',
  'Professional services',
  'Education',
  'Technology',
  'Travel & hospitality',
  'Arts & entertainment',
  'Nonprofit',
];

const hashtag = (raw: string) => {
  const word = raw.trim().replace(/^#+/, '');
  return word ? `#${word}` : '';
};

interface WorkspaceFieldsProps {
  draft: WorkspaceDraft;
  onChange: (draft: WorkspaceDraft) => void;
  error: ApiError | null;
  disabled?: boolean;
  autoFocus?: boolean;
}

/** Every field of a workspace (a brand), shared by the create dialog and the settings page. */
export function WorkspaceFields({ draft, onChange, error, disabled, autoFocus }: WorkspaceFieldsProps) {
  const zones = useMemo(timezoneOptions, []);
  const set = <K extends keyof WorkspaceDraft>(key: K, value: WorkspaceDraft[K]) => onChange({ ...draft, [key]: value });

  return (
    <fieldset disabled={disabled} className="grid gap-5 sm:grid-cols-2">
      <Input
        label="Name"
        placeholder="e.g. Sunrise Bakery"
        value={draft.name}
        onChange={(event) => set('name', event.target.value)}
        error={error?.fieldError('name')}
        required
        maxLength={100}
        autoFocus={autoFocus}
        data-testid="workspace-name"
      />
      <Combobox
        label="Time zone"
        value={draft.timezone}
        onChange={(value) => set('timezone', value)}
        options={zones}
        filter={searchTimezones}
        error={error?.fieldError('timezone')}
        hint="Posts are scheduled in this zone."
        placeholder="Search by city, country or abbreviation (e.g. Mumbai, India, IST)"
        emptyText="No time zone matches"
        data-testid="workspace-timezone"
      />
      <Input
        label="Industry"
        optional
        list="workspace-industries"
        placeholder="e.g. Restaurant & food"
        value={draft.industry}
        onChange={(event) => set('industry', event.target.value)}
        error={error?.fieldError('industry')}
        maxLength={100}
        wrapperClassName="sm:col-span-2"
        data-testid="workspace-industry"
      />
      <datalist id="workspace-industries">
        {INDUSTRIES.map((industry) => (
          <option key={industry} value={industry} />
        ))}
      </datalist>
      <Textarea
        label="Description"
        optional
        placeholder="What the brand does and who it serves."
        value={draft.description}
        onChange={(event) => set('description', event.target.value)}
        error={error?.fieldError('description')}
        maxLength={2000}
        wrapperClassName="sm:col-span-2"
        data-testid="workspace-description"
      />
      <Textarea
        label="Brand voice"
        optional
        placeholder="e.g. Warm and playful, short sentences, no jargon, one emoji at most."
        hint="Guides the tone of posts written for this brand."
        value={draft.brandVoice}
        onChange={(event) => set('brandVoice', event.target.value)}
        error={error?.fieldError('brandVoice')}
        maxLength={2000}
        wrapperClassName="sm:col-span-2"
        data-testid="workspace-brand-voice"
      />
      <div className="sm:col-span-2">
        <TagInput
          label="Default hashtags"
          optional
          value={draft.defaultHashtags}
          onChange={(value) => set('defaultHashtags', value)}
          format={hashtag}
          max={30}
          placeholder="#bakery #freshbread"
          hint="Press Enter, space or comma after each one. Up to 30."
          error={error?.fieldError('defaultHashtags')}
          data-testid="workspace-hashtags"
        />
      </div>
    </fieldset>
  );
}
