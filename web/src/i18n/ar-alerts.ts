/** ar-alerts.ts — the Arabic titles and sentences of the operations' alerts (keys of en-alerts.ts). */
import type { enAlerts } from './en-alerts.js';

type Shape<T> = { readonly [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const arAlerts: Shape<typeof enAlerts> = {
  alertText: {
    'people-unaccounted':
      '<x>{{subject}}</x>: نقص {{missing}} من الركاب في <x>{{to}}</x> عمّا كان في <x>{{from}}</x> (من {{before}} إلى {{after}}).',
    'people-unaccounted-recovered':
      '<x>{{subject}}</x>: نقص {{missing}} من الركاب في <x>{{to}}</x> عمّا كان في <x>{{from}}</x> (من {{before}} إلى {{after}})؛ وعدد الواصلين يسدّ الفرق.',
    'vehicle-overdue':
      'غادرت <x>{{subject}}</x> <x>{{from}}</x> في {{left}}، وموعد وصولها إلى <x>{{to}}</x> {{due}}؛ لم تُشاهَد هناك بعد.',
    'vehicle-overdue-seen':
      'غادرت <x>{{subject}}</x> <x>{{from}}</x> في {{left}}، وموعد وصولها إلى <x>{{to}}</x> {{due}}؛ شوهدت هناك في {{seen}}.',
    'excessive-dwell':
      'احتُجزت <x>{{subject}}</x> في <x>{{point}}</x> منذ {{from}} ولا تزال هناك (الحد {{limit}} دقيقة).',
    'excessive-dwell-ended':
      'احتُجزت <x>{{subject}}</x> في <x>{{point}}</x> من {{from}} إلى {{to}} (الحد {{limit}} دقيقة).',
    'vehicle-missing-at-arrival':
      'شوهدت <x>{{subject}}</x> آخر مرة في <x>{{point}}</x> في {{seen}} وعلى متنها {{people}}؛ لم تصل حتى {{due}}.',
    'convoy-turned-back': 'عادت {{vehicles}} من <x>{{subject}}</x> أدراجها عند <x>{{points}}</x>.',
    'operation-stalled': 'لا حركة منذ {{from}}؛ الحد {{limit}} دقيقة.',
    'operation-stalled-ended':
      'لا حركة من {{from}} إلى {{to}} ({{minutes}} دقيقة كانت الحركة فيها مسموحة)؛ الحد {{limit}} دقيقة.',
    'linked-operation-out-of-step':
      'في {{day}}: أُنجز هنا {{progress}} مقابل {{other}} في <x>{{operation}}</x>؛ والاتفاق يسمح بتقدّم بفارق {{lead}} نقطة.',
    'conflicting-observations':
      'أحصى المراقبون {{range}} في <x>{{subject}}</x> عند <x>{{point}}</x>؛ واعتُمد {{accepted}}.',
    'route-point-unmonitored': 'مرّت {{vehicles}} بنقطة <x>{{point}}</x> في {{day}} دون أن يراها أي مراقب.',
    'source-totals-diverge': 'في {{day}}، أبلغت {{sources}} مصادر عن مجاميع تتراوح بين {{min}} و{{max}}.',
    'conflicting-reports':
      'أرسل جهاز واحد (<x>{{device}}</x>) تقارير موقّعة مختلفة عددها {{bodies}} تحت معرّف تقرير واحد (<x>{{client}}</x>)؛ لا يُحتسب أيٌّ منها حتى يختار منسّق.',
    'point-not-reporting':
      'مركبات منتظرة في <x>{{point}}</x> منذ {{due}} ({{gap}}): {{awaited}}، <x>{{markings}}</x>؛ آخر تقرير من النقطة في {{last}}.',
    'point-not-reporting-never':
      'مركبات منتظرة في <x>{{point}}</x> منذ {{due}} ({{gap}}): {{awaited}}، <x>{{markings}}</x>؛ لم يصل من النقطة أي تقرير بعد.',
    'operation-no-news':
      'لا تقرير من أي مراقب منذ {{since}} ({{gap}})؛ تحذير بعد {{limit}} دقيقة من وقت الحركة دون أخبار، وحرج بعد {{critical}} دقيقة.',
    'operation-no-news-none':
      'لم يصل أي تقرير من المراقبين بعد؛ صمت منذ {{since}} ({{gap}})؛ تحذير بعد {{limit}} دقيقة من وقت الحركة دون أخبار، وحرج بعد {{critical}} دقيقة.',
  },
  alertAction: {
    chooseVersion: 'قارن النسخ واختر إحداها',
  },
  alertKind: {
    'people-unaccounted': 'أشخاص مجهولو المصير',
    'vehicle-overdue': 'مركبة متأخرة',
    'excessive-dwell': 'احتجاز طويل عند نقطة تفتيش',
    'vehicle-missing-at-arrival': 'مركبة مفقودة عند الوصول',
    'convoy-turned-back': 'قافلة أُعيدت',
    'operation-stalled': 'العملية متوقّفة',
    'linked-operation-out-of-step': 'العملية المرتبطة غير متزامنة',
    'conflicting-observations': 'ملاحظات متعارضة',
    'route-point-unmonitored': 'نقطة مسار بلا رصد',
    'source-totals-diverge': 'المصادر مختلفة في المجاميع',
    'conflicting-reports': 'تقارير متضاربة من جهاز واحد',
    'point-not-reporting': 'نقطة مسار لا ترسل تقارير',
    'operation-no-news': 'لا أخبار من أي مراقب',
    unknown: 'تنبيه آخر',
  },
};
