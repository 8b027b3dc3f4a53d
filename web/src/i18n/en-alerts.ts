/**
 * en-alerts.ts — the titles of the operations' alerts (`alertKind`, one per kind the server raises:
 * src/ops/model.ts ALERT_KINDS) and the sentence each alert is told in from its figures
 * (`alertText`, keys: web/src/ops/alert-keys.ts). Loaded with the dashboard (ops/strings.ts), not
 * on the first visit; ar-alerts.ts has the same keys.
 */
export const enAlerts = {
  alertText: {
    'people-unaccounted':
      '<x>{{subject}}</x>: {{missing}} fewer people at <x>{{to}}</x> than at <x>{{from}}</x> ({{before}} → {{after}}).',
    'people-unaccounted-recovered':
      '<x>{{subject}}</x>: {{missing}} fewer people at <x>{{to}}</x> than at <x>{{from}}</x> ({{before}} → {{after}}); the arrival count makes up the difference.',
    'vehicle-overdue':
      '<x>{{subject}}</x> left <x>{{from}}</x> at {{left}}, due at <x>{{to}}</x> by {{due}}; not seen there yet.',
    'vehicle-overdue-seen':
      '<x>{{subject}}</x> left <x>{{from}}</x> at {{left}}, due at <x>{{to}}</x> by {{due}}; seen there at {{seen}}.',
    'excessive-dwell':
      '<x>{{subject}}</x> held at <x>{{point}}</x> since {{from}}, still there (limit {{limit}} min).',
    'excessive-dwell-ended':
      '<x>{{subject}}</x> held at <x>{{point}}</x> from {{from}} to {{to}} (limit {{limit}} min).',
    'vehicle-missing-at-arrival':
      '<x>{{subject}}</x> last seen at <x>{{point}}</x> at {{seen}} with {{people}}; not arrived by {{due}}.',
    'convoy-turned-back': '{{vehicles}} of <x>{{subject}}</x> turned back at <x>{{points}}</x>.',
    'operation-stalled': 'No movement since {{from}}; threshold {{limit}} min.',
    'operation-stalled-ended':
      'No movement from {{from}} to {{to}} ({{minutes}} min while moving was allowed); threshold {{limit}} min.',
    'linked-operation-out-of-step':
      'On {{day}}: {{progress}} done here against {{other}} in <x>{{operation}}</x>; the agreement allows a lead of {{lead}} points.',
    'conflicting-observations':
      'Monitors counted {{range}} in <x>{{subject}}</x> at <x>{{point}}</x>; {{accepted}} accepted.',
    'route-point-unmonitored': '{{vehicles}} passed <x>{{point}}</x> on {{day}} with no monitor seeing them.',
    'source-totals-diverge': 'On {{day}}, {{sources}} sources reported totals from {{min}} to {{max}}.',
    'conflicting-reports':
      'One device (<x>{{device}}</x>) sent {{bodies}} different signed reports under one report id (<x>{{client}}</x>); none of them counts until a coordinator chooses.',
    'point-not-reporting':
      'Vehicles awaited at <x>{{point}}</x> since {{due}} ({{gap}}): {{awaited}}, <x>{{markings}}</x>; the point last reported at {{last}}.',
    'point-not-reporting-never':
      'Vehicles awaited at <x>{{point}}</x> since {{due}} ({{gap}}): {{awaited}}, <x>{{markings}}</x>; nothing reported from the point yet.',
    'operation-no-news':
      'No report from any monitor since {{since}} ({{gap}}); a warning after {{limit}} min of moving time without news, critical after {{critical}} min.',
    'operation-no-news-none':
      'No report from any monitor yet; silent since {{since}} ({{gap}}); a warning after {{limit}} min of moving time without news, critical after {{critical}} min.',
  },
  alertAction: {
    chooseVersion: 'Compare the versions and choose one',
  },
  alertKind: {
    'people-unaccounted': 'People unaccounted for',
    'vehicle-overdue': 'Vehicle overdue',
    'excessive-dwell': 'Held too long at a checkpoint',
    'vehicle-missing-at-arrival': 'Vehicle missing at arrival',
    'convoy-turned-back': 'Convoy turned back',
    'operation-stalled': 'Operation stalled',
    'linked-operation-out-of-step': 'Linked operation out of step',
    'conflicting-observations': 'Conflicting observations',
    'route-point-unmonitored': 'Route point unmonitored',
    'source-totals-diverge': 'Sources disagree on totals',
    'conflicting-reports': 'Conflicting reports from one device',
    'point-not-reporting': 'Route point not reporting',
    'operation-no-news': 'No news from any monitor',
    unknown: 'Other alert',
  },
};
