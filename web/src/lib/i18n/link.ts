// The depot view's "while the link was down" panel (SPEC §3). Vietnamese first, terms from ../shared/GLOSSARY.md;
// English mirrors it key for key (the type makes a missing or extra key a compile error).
export const viLink = {
  'link.title': 'Trong thời gian mất liên lạc',
  'link.none': 'Không có lần mất liên lạc nào được ghi nhận.',
  'link.span': 'Mất liên lạc {from} – {to} · {readings} số liệu gửi bù từ {devices} thiết bị',
  'link.event': '{device} ({zone}): {state}, {from} – {to}',
  'link.eventOpen': '{device} ({zone}): {state} từ {from}, vẫn còn khi có liên lạc lại',
  'link.measure': '{device} {kind}: {min} – {max}',
  'link.more': 'và {n} sự kiện khác',
  'link.quiet': 'Không có trạng thái báo động nào trong thời gian này.',
};

export const enLink: Readonly<Record<keyof typeof viLink, string>> = {
  'link.title': 'While the link was down',
  'link.none': 'No link outage recorded.',
  'link.span': 'Link down {from} – {to} · {readings} readings sent afterwards by {devices} devices',
  'link.event': '{device} ({zone}): {state}, {from} – {to}',
  'link.eventOpen': '{device} ({zone}): {state} from {from}, still so when the link came back',
  'link.measure': '{device} {kind}: {min} – {max}',
  'link.more': 'and {n} more events',
  'link.quiet': 'No alarm state during this time.',
};
