import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import { ApiError, describeError } from '../../api/errors';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Input } from '../../components/field';
import { useToast } from '../../components/toast';
import { prefs } from '../../lib/prefs';

interface CreateOrgFormProps {
  onCancel?: () => void;
  onCreated?: () => void;
  submitLabel?: string;
  /** A full-width submit button, for the stand-alone onboarding page. */
  wide?: boolean;
}

/** Name a new organization; on success you become its owner and land in it. */
export function CreateOrgForm({ onCancel, onCreated, submitLabel = 'Create organization', wide = false }: CreateOrgFormProps) {
  const [name, setName] = useState('');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();

  const create = useMutation({
    mutationFn: () => call(api.POST('/api/v1/orgs', { body: { name: name.trim() } })),
    onSuccess: async (org) => {
      prefs.setLastOrgId(org.id);
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      onCreated?.();
      toast.success(`${org.name} is ready.`);
      void navigate(`/orgs/${org.id}`);
    },
  });

  const error = create.error;
  const fieldError = error instanceof ApiError ? error.fieldError('name') : undefined;

  return (
    <form
      className="space-y-5"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <Input
        label="Organization name"
        placeholder="e.g. Sunrise Bakery or Northwind Agency"
        hint="Your company or agency. You can rename it later."
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={fieldError}
        required
        maxLength={100}
        autoFocus
        data-testid="org-name"
      />
      {error && !fieldError ? <Alert tone="error">{describeError(error)}</Alert> : null}
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        {onCancel ? (
          <Button variant="secondary" onClick={onCancel} disabled={create.isPending}>
            Cancel
          </Button>
        ) : null}
        <Button type="submit" size={wide ? 'lg' : 'md'} className={wide ? 'w-full' : undefined} loading={create.isPending} disabled={name.trim() === ''} data-testid="org-submit">
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
