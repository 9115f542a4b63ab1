/** Every UI string, Simplified Chinese first, English second. Keys are shared by both. */
export const zhCN = {
  app: { title: '数字化城市管理指挥中心' },
  link: {
    connecting: '连接中',
    replaying: '同步中',
    live: '实时',
    offline: '已断开',
    staleSince: '自 {{time}} 起数据未更新',
  },
  stats: { towns: '镇街', cells: '单元网格', seq: '事件序号', received: '本次接收' },
  feed: { title: '最新案件' },
  source: { inspector: '监督员', hotline_12345: '12345热线', citizen_app: '市民App', sensor: '感知设备', video_ai: '视频AI' },
  ui: { themeLight: '浅色', themeDark: '深色', language: 'English' },
  layers: {
    title: '图层',
    incidents: '实时案件',
    heatmap: '案件热力图',
    hexagons: '六边形聚合',
    grid: '单元网格分布',
    window: '时间范围',
    windows: { '24h': '近24小时', '7d': '近7天', '30d': '近30天', '90d': '近90天' },
  },
  legend: { event: '事件', component: '部件', fewer: '少', more: '多', count: '{{count}} 件' },
};

export const en: typeof zhCN = {
  app: { title: 'Digital City Management Command Center' },
  link: {
    connecting: 'Connecting',
    replaying: 'Catching up',
    live: 'Live',
    offline: 'Offline',
    staleSince: 'no updates since {{time}}',
  },
  stats: { towns: 'Towns', cells: 'Grid cells', seq: 'Event seq', received: 'Received' },
  feed: { title: 'Latest incidents' },
  source: { inspector: 'Inspector', hotline_12345: '12345 hotline', citizen_app: 'Citizen app', sensor: 'Sensor', video_ai: 'Video AI' },
  ui: { themeLight: 'Light', themeDark: 'Dark', language: '中文' },
  layers: {
    title: 'Layers',
    incidents: 'Live incidents',
    heatmap: 'Incident heatmap',
    hexagons: 'Hexagon aggregation',
    grid: 'Incidents per grid cell',
    window: 'Time window',
    windows: { '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days', '90d': 'Last 90 days' },
  },
  legend: { event: 'Event', component: 'Component', fewer: 'fewer', more: 'more', count: '{{count}} incidents' },
};
