// Every test file starts with a fresh mock `wx` (tests/helpers/wx.js); tests reinstall it as needed.
const { installWx } = require('./wx');

installWx();
