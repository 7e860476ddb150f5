/**
 * Home-page tiles. A tile shows when the user's capabilities (from /me) include its `capability`;
 * a tile with `capability: null` always shows. A new feature adds its tile by adding a row.
 * `icon` is a Vant icon name.
 */
const TILES = [
  { capability: 'invitation.create', title: '邀请成员', icon: 'friends-o', url: '/pages/invite/create' },
  { capability: 'child.bind', title: '绑定孩子', icon: 'contact', url: '/pages/children/bind' },
  { capability: 'campaign.view', title: '活动与隐患分类', icon: 'flag-o', url: '/pages/campaign/index' },
  { capability: 'unit.view', title: '单位与班级', icon: 'cluster-o', url: '/pages/units/index' },
  { capability: null, title: '加入单位', icon: 'scan', url: '/pages/join/index' },
];

function tilesFor(capabilities, tiles = TILES) {
  const allowed = capabilities || [];
  return tiles.filter((tile) => tile.capability === null || allowed.includes(tile.capability));
}

module.exports = { TILES, tilesFor };
