/**
 * exercise-banner.tsx — the unmistakable mark of an exercise (a training operation, issue 13.8):
 * a full-width banner above everything else on the dashboard and in the monitor app, so nobody
 * takes a replayed scenario for people on the road today.
 */
import { useTranslation } from 'react-i18next';

export function ExerciseBanner({ exercise }: { exercise: boolean | undefined }) {
  const { t } = useTranslation();
  if (exercise !== true) return null;
  return (
    <p className="exercise-banner" role="note" data-testid="exercise-banner">
      <strong>{t('exercise.banner')}</strong> {t('exercise.explain')}
    </p>
  );
}
